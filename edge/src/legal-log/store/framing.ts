/**
 * How chunks sit in a day file: one after the other, each a complete age file in ASCII armor. The
 * armor's BEGIN and END lines are the frame: a chunk is whole only when its END line is there, so a
 * power cut mid-write leaves a BEGIN with no END, which the splitter reports and steps over. A file
 * read as latin1 keeps one character per byte, so offsets here are byte offsets in the file.
 */

export const CHUNK_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const CHUNK_END = '-----END AGE ENCRYPTED FILE-----';

export interface ChunkFrame {
  /** Byte offset of the chunk's BEGIN line in the file. */
  offset: number;
  /** The armored chunk, markers included. */
  text: string;
}

export interface DiscardedBytes {
  offset: number;
  length: number;
  /** `truncated`: a chunk that never got its END line; `stray`: bytes outside any chunk. */
  reason: 'truncated' | 'stray';
}

export interface SplitChunks {
  chunks: ChunkFrame[];
  discarded: DiscardedBytes[];
}

/** Splits a day file into whole chunks and the bytes it had to step over. Pure. */
export function splitChunks(text: string): SplitChunks {
  const chunks: ChunkFrame[] = [];
  const discarded: DiscardedBytes[] = [];
  // Whitespace between chunks is the writer's own newlines; anything else is reported from its first byte.
  const stray = (from: number, to: number) => {
    const gap = text.slice(from, to);
    const trimmed = gap.trim();
    if (trimmed === '') return;
    const offset = from + gap.indexOf(trimmed);
    // A cut inside the BEGIN line itself leaves the start of one: a truncated chunk too.
    const reason = CHUNK_BEGIN.startsWith(trimmed) ? 'truncated' : 'stray';
    discarded.push({ offset, length: trimmed.length, reason });
  };
  let position = 0;
  while (position < text.length) {
    const begin = text.indexOf(CHUNK_BEGIN, position);
    if (begin === -1) {
      stray(position, text.length);
      break;
    }
    stray(position, begin);
    const after = begin + CHUNK_BEGIN.length;
    const end = text.indexOf(CHUNK_END, after);
    const nextBegin = text.indexOf(CHUNK_BEGIN, after);
    // A BEGIN before this chunk's END: the writer started afresh after this one was cut short.
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      const stop = nextBegin === -1 ? text.length : nextBegin;
      discarded.push({ offset: begin, length: stop - begin, reason: 'truncated' });
      position = stop;
      continue;
    }
    const stop = end + CHUNK_END.length;
    chunks.push({ offset: begin, text: `${text.slice(begin, stop)}\n` });
    position = stop;
  }
  return { chunks, discarded };
}
