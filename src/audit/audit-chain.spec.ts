import { randomUUID } from 'node:crypto';
import { AuditChainVerifier, GENESIS_HASH, auditEventHash, type AuditEventContent, type StoredAuditEvent } from './audit-chain.js';

function chain(length: number): StoredAuditEvent[] {
  const events: StoredAuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= length; i++) {
    const content: AuditEventContent = {
      seq: String(i),
      id: randomUUID(),
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i, 123)),
      actor: 'user-1',
      actorEmail: null,
      agency: 'JM',
      action: 'seizure.read',
      resourceType: 'Seizure',
      resourceId: randomUUID(),
      resourceAgency: 'JM',
      fields: ['narrative'],
      details: { n: i, nested: { b: 1, a: [1, 'x'] } },
    };
    const hash = auditEventHash(prevHash, content);
    events.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

function verify(events: StoredAuditEvent[]) {
  const verifier = new AuditChainVerifier();
  for (const event of events) {
    const broken = verifier.check(event);
    if (broken) return { ...broken, checked: verifier.checked };
  }
  return { checked: verifier.checked };
}

describe('audit hash chain', () => {
  it('hashes independently of key order in details', () => {
    const [event] = chain(1);
    const reordered = { ...event, details: { nested: { a: [1, 'x'], b: 1 }, n: 1 } };
    expect(auditEventHash(GENESIS_HASH, reordered)).toBe(event.hash);
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts an intact chain', () => {
    expect(verify(chain(5))).toEqual({ checked: 5 });
  });

  it('finds a modified field, a modified hash, a missing event and reordered events', () => {
    const modified = chain(5);
    modified[2] = { ...modified[2], fields: [] };
    expect(verify(modified)).toMatchObject({ id: modified[2].id, seq: '3', checked: 3 });

    const rehashed = chain(5);
    rehashed[3] = { ...rehashed[3], hash: 'f'.repeat(64) };
    expect(verify(rehashed)).toMatchObject({ id: rehashed[3].id, seq: '4' });

    const gap = chain(5);
    gap.splice(1, 1);
    expect(verify(gap)).toMatchObject({ id: gap[1].id, seq: '3', reason: expect.stringMatching(/expected seq 2/) });

    const swapped = chain(5);
    const [a, b] = [swapped[1], swapped[2]];
    swapped[1] = { ...b, seq: a.seq };
    swapped[2] = { ...a, seq: b.seq };
    expect(verify(swapped)).toMatchObject({ id: b.id, seq: '2' });
  });

  it('finds a first event that does not start from the genesis hash', () => {
    const events = chain(2);
    events.shift();
    expect(verify(events)).toMatchObject({ seq: '2' });
  });
});
