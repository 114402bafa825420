import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ConsoleController } from './console.controller.js';
import { OidcLoginService } from './oidc-login.service.js';
import { SessionController } from './session.controller.js';
import { SignInStartLimit } from './sign-in-start-limit.js';

/** The web console's server side: its sign-in sessions and its static files. */
@Module({
  imports: [AuthModule],
  controllers: [SessionController, ConsoleController],
  providers: [OidcLoginService, SignInStartLimit],
})
export class ConsoleModule {}
