import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { LoginMode } from '../login/login-pages.js';

/** `GET /sso/:provider/start` query: the same bot, origin, mode and conversation as `GET /login`. */
export class SsoStartQueryDto {
  @ApiProperty({ example: 'shop' })
  @IsString() @MaxLength(128)
  bot: string;

  @ApiProperty({ description: 'The host page origin; must be one of the bot\'s origins', example: 'https://shop.example.com' })
  @IsString() @MaxLength(2048)
  origin: string;

  @ApiPropertyOptional({ enum: ['popup', 'iframe'], default: 'popup' })
  @IsOptional() @IsIn(['popup', 'iframe'])
  mode?: LoginMode;

  @ApiPropertyOptional({ description: 'The chat widget\'s conversation, passed on to the login completion' })
  @IsOptional() @IsString() @MaxLength(1024)
  conversation?: string;
}
