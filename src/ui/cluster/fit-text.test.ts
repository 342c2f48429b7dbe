import { expect, it } from 'vitest';
import { fitText } from './fit-text';

it('picks the most informative wording that fits, else the shortest', () => {
  expect(fitText(200, 'follower · epoch 1 · log 12', 'follower · epoch 1', 'follower')).toBe(
    'follower · epoch 1 · log 12',
  );
  expect(fitText(120, 'follower · epoch 1 · log 12', 'follower · epoch 1', 'follower')).toBe(
    'follower · epoch 1',
  );
  expect(fitText(20, 'follower · epoch 1', 'follower')).toBe('follower');
});
