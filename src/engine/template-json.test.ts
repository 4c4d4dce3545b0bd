import { describe, expect, it } from 'vitest';
import { contentForTemplate } from './template-json';

describe('contentForTemplate', () => {
  it('serialises objects like the template tojson does in training', () => {
    expect(contentForTemplate({ candidate_id: '12345', status: 'Interview Scheduled' })).toBe(
      '{"candidate_id": "12345", "status": "Interview Scheduled"}',
    );
    expect(contentForTemplate([1, { a: [true, null] }])).toBe('[1, {"a": [true, null]}]');
  });
  it('keeps key order and leaves strings untouched', () => {
    expect(contentForTemplate({ b: 1, a: 2 })).toBe('{"b": 1, "a": 2}');
    expect(contentForTemplate('already text')).toBe('already text');
  });
});
