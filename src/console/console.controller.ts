import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow, PUBLIC } from '../access/allow.decorator.js';
import { CONSOLE_CSP, ConsoleFiles } from './console-files.js';

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

/** The web console's static files at `/` (the page) and `/assets/*` (its scripts, styles and data). */
@Controller()
export class ConsoleController {
  private readonly files = new ConsoleFiles();

  @Allow(PUBLIC)
  @Get()
  page(@Res() reply: FastifyReply): void {
    const index = this.files.index();
    if (!index) {
      void secureHeaders(reply).status(503).header('content-type', 'text/plain; charset=utf-8').send('The console is not built: run `npm run build`. GraphiQL is at /graphql.\n');
      return;
    }
    void secureHeaders(reply).header('content-type', index.type).header('cache-control', 'no-cache').send(index.body);
  }

  @Allow(PUBLIC)
  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.files.asset(file);
    if (!asset) throw new NotFoundException();
    void secureHeaders(reply).header('content-type', asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  }
}
