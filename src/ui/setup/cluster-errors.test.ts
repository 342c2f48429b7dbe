import { describe, expect, it } from 'vitest';
import { clusterErrorField } from './cluster-errors';

describe('the cluster form places engine refusals next to their field', () => {
  it('by the option the engine names', () => {
    expect(clusterErrorField('brokers must be an integer from 1 to 9.')).toBe('brokers');
    expect(clusterErrorField('controllers must be an integer from 1 to 7.')).toBe('controllers');
    expect(clusterErrorField('The engine has not started.')).toBe('form');
  });
});
