import { checkOutcomeNotes } from './operation-outcomes.service.js';

describe('follow-up outcome notes', () => {
  it('keeps short non-nominal notes, trimmed, and drops empty ones', () => {
    expect(checkOutcomeNotes('  Two importers referred for licensing review on 2026-09-02.  ')).toBe('Two importers referred for licensing review on 2026-09-02.');
    expect(checkOutcomeNotes('   ')).toBeNull();
    expect(checkOutcomeNotes(null)).toBeNull();
  });

  it('refuses contact details, identifiers and long notes', () => {
    expect(() => checkOutcomeNotes('Ask j.doe@customs.example')).toThrow('no e-mail addresses');
    expect(() => checkOutcomeNotes('Call +1 876 555 0100')).toThrow('no identifiers or telephone numbers');
    expect(() => checkOutcomeNotes('Container MSCU 1234567')).toThrow('no identifiers or telephone numbers');
    expect(() => checkOutcomeNotes('x'.repeat(501))).toThrow('at most 500 characters');
  });
});
