import { describe, expect, it } from 'vitest';
import { formatCount, formatRecordTime, formatVirtualTime, linkSettingsText, nodeTitle } from './format';

describe('virtual time', () => {
  it('shows seconds with milliseconds under a minute', () => {
    expect(formatVirtualTime(0)).toBe('0.000 s');
    expect(formatVirtualTime(1000)).toBe('1.000 s');
    expect(formatVirtualTime(59_999)).toBe('59.999 s');
  });

  it('shows minutes and hours past that', () => {
    expect(formatVirtualTime(60_000)).toBe('1:00.000');
    expect(formatVirtualTime(125_250)).toBe('2:05.250');
    expect(formatVirtualTime(3_725_250)).toBe('1:02:05.250');
  });

  it('never shows a fraction of a millisecond or a negative time', () => {
    expect(formatVirtualTime(1.9)).toBe('0.001 s');
    expect(formatVirtualTime(-3)).toBe('0.000 s');
  });
});

describe('labels', () => {
  it('groups thousands the same way in every locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('turns node ids into titles', () => {
    expect(nodeTitle('broker-2')).toBe('Broker 2');
    expect(nodeTitle('controller-1')).toBe('Controller 1');
    expect(nodeTitle('producer:p1')).toBe('Producer p1');
    expect(nodeTitle('odd')).toBe('odd');
  });
});

describe('link settings', () => {
  it('names what a link.configure sets, and what it puts back to normal', () => {
    expect(linkSettingsText({ latencyMs: 300, lossRate: 0.25 })).toBe('300 ms, 25% loss');
    expect(linkSettingsText({ latencyMs: null })).toBe('normal latency');
    expect(linkSettingsText({ lossRate: null })).toBe('no loss');
    expect(linkSettingsText({})).toBe('normal');
  });
});

describe('record timestamps', () => {
  it('are virtual time when the simulation stamped them', () => {
    expect(formatRecordTime(12_400)).toBe('12.400 s');
    expect(formatRecordTime(3_725_250, 'short')).toBe('1:02:05.250');
  });

  it('are a date and time when a real client stamped them with its own clock (the gateway)', () => {
    const ms = Date.UTC(2026, 11, 7, 19, 15, 2, 123);
    expect(formatRecordTime(ms)).toBe("2026-12-07 19:15:02.123 UTC (the client's clock)");
    expect(formatRecordTime(ms, 'short')).toBe('19:15:02.123 UTC');
  });
});
