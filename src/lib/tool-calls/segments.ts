export interface ToolCallMarkers {
  start: string;
  end: string;
}

/** The special tokens LFM2 tool models wrap their Python-style call lists in. */
export const LFM2_TOOL_CALL_MARKERS: Readonly<ToolCallMarkers> = {
  start: '<|tool_call_start|>',
  end: '<|tool_call_end|>',
};

/**
 * A call's `raw` is what lies between the markers; `complete` stays false until the end marker
 * arrives, so the UI can show a pending call without trying to parse half a list.
 */
export type Segment =
  { kind: 'text'; text: string } | { kind: 'call'; raw: string; complete: boolean };

export interface SplitOptions {
  /**
   * Set once generation has finished: nothing more will arrive, so a trailing `<` (or `<|tool`)
   * is real text rather than the first half of a marker, and must not be swallowed.
   */
  final?: boolean;
}

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
function partialMarkerLength(text: string, marker: string): number {
  for (let len = Math.min(marker.length - 1, text.length); len > 0; len--) {
    if (text.endsWith(marker.slice(0, len))) return len;
  }
  return 0;
}

/**
 * Splits raw model output into visible text and tool-call blocks. While streaming, a marker may
 * be cut between chunks; its fragment is held back (neither text nor call body) so the UI never
 * shows `<|tool_ca` for one frame and then replaces it.
 */
export function splitToolCallSegments(
  raw: string,
  markers: ToolCallMarkers = LFM2_TOOL_CALL_MARKERS,
  options: SplitOptions = {},
): Segment[] {
  const { start, end } = markers;
  // An empty marker would match everywhere and never advance the cursor.
  if (!start || !end) throw new Error('Tool-call markers must be non-empty strings');
  const holdBack = (text: string, marker: string) =>
    options.final ? text : text.slice(0, text.length - partialMarkerLength(text, marker));

  const segments: Segment[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const open = raw.indexOf(start, pos);
    if (open === -1) {
      const text = holdBack(raw.slice(pos), start);
      if (text) segments.push({ kind: 'text', text });
      break;
    }
    if (open > pos) segments.push({ kind: 'text', text: raw.slice(pos, open) });
    const bodyStart = open + start.length;
    const close = raw.indexOf(end, bodyStart);
    if (close === -1) {
      segments.push({ kind: 'call', raw: holdBack(raw.slice(bodyStart), end), complete: false });
      break;
    }
    segments.push({ kind: 'call', raw: raw.slice(bodyStart, close), complete: true });
    pos = close + end.length;
  }
  return segments;
}

/** True once a start marker has fully arrived, even if its block is still streaming. */
export function hasToolCall(
  raw: string,
  markers: ToolCallMarkers = LFM2_TOOL_CALL_MARKERS,
): boolean {
  return raw.includes(markers.start);
}

/**
 * The prose the user should see, with call blocks removed. Pieces on either side of a removed
 * block are joined by a paragraph break, because the model rarely puts whitespace around the
 * markers and `Let me check.<block>It is sunny.` would otherwise read as one run-on sentence.
 */
export function textOutsideCalls(
  raw: string,
  markers: ToolCallMarkers = LFM2_TOOL_CALL_MARKERS,
  options: SplitOptions = {},
): string {
  const parts: string[] = [];
  let afterCall = false;
  for (const segment of splitToolCallSegments(raw, markers, options)) {
    if (segment.kind === 'call') {
      if (parts.length > 0) parts[parts.length - 1] = parts[parts.length - 1].trimEnd();
      afterCall = true;
    } else {
      parts.push(afterCall ? segment.text.trimStart() : segment.text);
      afterCall = false;
    }
  }
  return parts.filter((part) => part.length > 0).join('\n\n');
}
