import { ChatwardenConfig } from './config.schema.js';

/**
 * The validated configuration as a DI token: `constructor(private readonly config: AppConfig)`.
 * Built once at boot by loadConfig(); never read process.env elsewhere.
 */
export abstract class AppConfig extends ChatwardenConfig {}
