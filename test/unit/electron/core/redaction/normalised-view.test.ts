import { describe, expect, it } from 'vitest';
import { normalise, normalisedUnit, SKIP, unitCode, unitLength } from '../../../../../electron/core/redaction/normalised-view.ts';

describe('normalised view', () => {
  it.each([
    ['JSON \\u escapes, either case', '\\u0074\\u006F\\U006b', 'tok'],
    ['JS \\x escapes', '\\x74\\x6f', 'to'],
    ['escaped slash, backslash and quotes', 'a\\/b\\\\c\\"d', 'a/b\\c"d'],
    ['escaped newlines dropped', 'a\\nb\\tc\\r\\n', 'abc'],
    ['HTML decimal and hex entities, with or without semicolon', '&#116;&#x6F;&#107&#X2d;', 'tok-'],
    ['named entities for token characters', '&sol;&equals;&plus;&period;&lowbar;&amp;', '/=+._&'],
    ['percent-encoding, and %u', '%74%6F%u006b', 'tok'],
    ['quoted-printable bytes and soft line breaks', '=74=6F=\r\nk=\nen', 'token'],
    ['whitespace, NUL and zero-width marks dropped', 't\u0000o\u200b k\u00ad\ue000', 'tok\ue000'],
  ])('M1 decodes %s', (_what, input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it('M1 leaves what only looks like an escape as it is', () => {
    expect(normalise('100% & =z \\q &#; &bogus; &#x;')).toBe('100%&=z\\q&#;&bogus;&#x;');
    expect(normalise('a=b&c=d')).toBe('a=b&c=d');
  });

  it('reports how many source characters each unit consumed', () => {
    const unit = normalisedUnit('x&#116;y', 1);
    expect(unitCode(unit)).toBe(116);
    expect(unitLength(unit)).toBe(6);
    expect(unitCode(normalisedUnit(' ', 0))).toBe(SKIP);
    expect(unitLength(normalisedUnit('=\r\n', 0))).toBe(3);
  });
});
