import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { LoginMode } from '../login/login-pages.js';

/** `GET /sso/:provider/start` query: the same bot, origin, mode and conversation as `GET /login`. */
export class SsoStartQueryDto {
  @IsString() @MaxLength(128)
  bot: string;

  @IsString() @MaxLength(2048)
  origin: string;

  @IsOptional() @IsIn(['popup', 'iframe'])
  mode?: LoginMode;

  /** Printable ASCII without spaces, as on the login page (it may end up in a Chat API call). */
  @IsOptional() @IsString() @Matches(/^[\x21-\x7e]{1,512}$/)
  conversation?: string;
}
