import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow, PUBLIC } from '../../access/allow.decorator.js';
import { graphiqlAsset } from './graphiql-assets.js';

/** Static files of the offline GraphiQL page (the page itself is Apollo's landing page). */
@Controller('graphiql')
export class GraphiqlController {
  @Allow(PUBLIC)
  @Get(':file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = graphiqlAsset(file);
    if (!asset) throw new NotFoundException();
    void reply.header('content-type', asset.type).header('cache-control', 'public, max-age=86400').send(asset.body);
  }
}
