import { describe, expect, it } from 'vitest';
import { RPC_REQUEST_KINDS } from '../../engine';
import { FAMILY_OF_KIND, familyOf, styleOf } from './flight-style';

describe('the flight legend', () => {
  it('gives every RPC kind a family with a label, a shape and a colour', () => {
    for (const kind of RPC_REQUEST_KINDS) {
      const style = styleOf(FAMILY_OF_KIND[kind]);
      expect(style.label, kind).toBeTruthy();
      expect(style.shape, kind).toBeTruthy();
      expect(styleOf(familyOf(`${kind}Response`, 'broker-1', 'broker-2')), kind).toBeDefined();
    }
  });
});
