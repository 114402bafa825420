import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import YAML from 'yaml';
import { z } from 'zod';
import { AgencyEntity } from './agency.entity.js';
import { AGENCY_KINDS } from '../access/attributes.js';

const agencyFile = z.object({
  agencies: z
    .array(
      z.object({
        code: z.string().regex(/^[A-Z][A-Z0-9-]{1,31}$/),
        name: z.string().min(2).max(200),
        kind: z.enum(AGENCY_KINDS),
        country: z.string().regex(/^[A-Z]{2}$/).nullable(),
        region: z.string().max(100).nullable(),
        communities: z.array(z.string().regex(/^[A-Z][A-Z0-9-]*$/)),
        legalBasis: z.array(z.enum(['MOU_SIGNATORY', 'CCO_PARTY', 'WCO_MEMBER'])).optional(),
      }),
    )
    .min(1),
});

export type AgencyDefinition = z.infer<typeof agencyFile>['agencies'][number];

export function readAgencyFile(configDirectory: string): AgencyDefinition[] {
  const file = path.join(configDirectory, 'agencies.yaml');
  const parsed = agencyFile.safeParse(YAML.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: agencies.${issue.path.join('.')} ${issue.message}`);
  }
  const codes = parsed.data.agencies.map((a) => a.code);
  const duplicate = codes.find((code, i) => codes.indexOf(code) !== i);
  if (duplicate) throw new Error(`${file}: agency ${duplicate} is listed twice`);
  return parsed.data.agencies;
}

/** Inserts or updates the reference agencies; running it again changes nothing. */
export async function seedAgencies(dataSource: DataSource, definitions: AgencyDefinition[]): Promise<{ inserted: number; updated: number }> {
  return dataSource.transaction(async (manager) => {
    const existing = new Set((await manager.find(AgencyEntity, { select: { code: true } })).map((a) => a.code));
    const rows = definitions.map((d) => ({ ...d, legalBasis: d.legalBasis ?? [] }));
    await manager.upsert(AgencyEntity, rows, ['code']);
    const inserted = rows.filter((r) => !existing.has(r.code)).length;
    return { inserted, updated: rows.length - inserted };
  });
}
