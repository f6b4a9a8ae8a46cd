import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';
import { UsersService } from './users.service.js';

/** The local user directory (users.json) and the password hasher; used by the login page and the CLI. */
@Module({
  providers: [PasswordHasher, UsersService],
  exports: [PasswordHasher, UsersService],
})
export class UsersModule {}
