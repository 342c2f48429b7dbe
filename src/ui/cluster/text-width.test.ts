import { expect, it } from 'vitest';
import { middleEllipsis, textWidth } from './text-width';

it('keeps a name that fits, else its start and end around an ellipsis, within the width', () => {
  expect(middleEllipsis('count → totals', 200, 11, true)).toBe('count → totals');
  const long = 'clicks-app-KTABLE-SUPPRESS-STATE-STORE-0000000003-changelog';
  const cut = middleEllipsis(long, 120, 11, true);
  expect(cut).toMatch(/^clicks-.*…[a-z]*gelog$/);
  expect(textWidth(cut, 11, true)).toBeLessThanOrEqual(120);
  expect(middleEllipsis(long, 5, 11, true)).toBe('…');
});
