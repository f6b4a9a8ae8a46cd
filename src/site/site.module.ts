import { Module } from '@nestjs/common';
import { SiteController } from './site.controller.js';

/** The service's own address for a browser: `/` and `/favicon.ico`. */
@Module({ controllers: [SiteController] })
export class SiteModule {}
