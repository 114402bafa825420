import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { coerceInputValue, type GraphQLInputType } from 'graphql';
import type { RequestContext } from '../../access/request-context.js';
import { SignatureInvalidError } from '../../crypto/crypto.errors.js';
import { MAX_SEALED_ENVELOPE_BYTES } from '../../crypto/sealed-envelope.js';
import { SubmissionGate } from './submission-gate.js';
import { BadUserInputError } from '../../errors/domain-error.js';
import { AgencyKeysService } from '../../keys/agency-keys.service.js';
import { PlatformKeyService } from '../../keys/platform-key.service.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
import type { SeizureInput } from '../api/seizure.inputs.js';
import { SeizureSubmissionService } from './seizure-submission.service.js';

/**
 * A report sealed by the agency's own system: signed with the agency key, encrypted to the
 * platform key. Verified against the caller's agency's registered keys, decrypted, checked
 * exactly like a GraphQL submission, and stored with its detached signature.
 */
@Injectable()
export class SealedSubmissionService {
  constructor(
    private readonly platformKey: PlatformKeyService,
    private readonly agencyKeys: AgencyKeysService,
    private readonly submissions: SeizureSubmissionService,
    private readonly moduleRef: ModuleRef,
  ) {}

  private gate?: SubmissionGate;

  /**
   * Through a gate: as many submissions at work as the crypto threads, plus one in its database
   * stage; the others wait without taking the event loop's turns from searches. Measured on two
   * cores: searches' p99 during a burst of 8 fell by about a fifth and a quarter more of them were
   * answered, ingest within the noise (docs/benchmarks.md).
   */
  async submit(ctx: RequestContext, envelope: string): Promise<SeizureEntity> {
    if (envelope.length > MAX_SEALED_ENVELOPE_BYTES) throw new BadUserInputError('envelope: larger than 4 MiB', ['envelope']);
    this.gate ??= new SubmissionGate(this.platformKey.crypto.size + 1);
    return this.gate.run(() => this.submitNow(ctx, envelope));
  }

  private async submitNow(ctx: RequestContext, envelope: string): Promise<SeizureEntity> {
    const senderKeys = await this.agencyKeys.verificationKeys(ctx.principal.agencyCode);
    if (senderKeys.length === 0) {
      throw new SignatureInvalidError(`Agency ${ctx.principal.agencyCode} has no registered signing key; register one with registerAgencyKey`, 'UNKNOWN_SIGNER');
    }
    // Verified and decrypted on a crypto worker thread, off the API's event loop.
    const opened = await this.platformKey.crypto.openSealedEnvelope({ armored: envelope, senderKeys: senderKeys.map((k) => k.armored) });
    const input = this.asSeizureInput(opened.report);
    if (input.serverBlind) {
      // The envelope is opened by the platform key, and its detached signature, kept in clear to be
      // re-verified, would confirm any guess of the section it covers.
      throw new BadUserInputError('A sealed submission is opened by the platform and cannot be server-blind; submit it with submitSeizure', ['envelope']);
    }
    return this.submissions.submit(ctx, input, {
      signerFingerprint: opened.signerFingerprint,
      detachedSignature: opened.detachedSignature,
      canonical: opened.canonical,
      signedAt: opened.signedAt,
    });
  }

  /** Checks the decrypted report with the schema's own SeizureInput rules (types, enums, required fields). */
  private asSeizureInput(report: unknown): SeizureInput {
    // The schema exists only in the API process; sealed submissions arrive only there.
    const schema = this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
    const type = schema.getType('SeizureInput') as GraphQLInputType;
    const problems: string[] = [];
    const value = coerceInputValue(report, type, (path, _invalid, error) => {
      problems.push(`${path.join('.') || 'report'}: ${error.message}`);
    }) as SeizureInput;
    if (problems.length) throw new BadUserInputError(`The sealed report is not a valid SeizureInput - ${problems.slice(0, 5).join('; ')}`, ['envelope']);
    return value;
  }
}
