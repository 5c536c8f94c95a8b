import { cardText } from './escape';

/**
 * A remedy mixes what to do (sentences) and what to run (PowerShell): on a card the sentences are text
 * and the commands a code block of their own, in the remedy's order, so a command stands on its own
 * line and copying the block copies only what runs (issue #16).
 */
export interface RemedyBlock {
  kind: 'text' | 'code';
  text: string;
}

/** A line that starts like PowerShell: a Verb-Noun cmdlet, a script, a variable, or a comment. */
const COMMAND = /^(?:[A-Z][a-z]+-[A-Z][A-Za-z0-9]*(?=\s|$|\s*\|)|\.\\|&\s|\$\w|#\s|\(\[)/;
/** "On the primary AD FS server: Get-AdfsProperties | …": a sentence, then a command on the line. */
const LEAD_IN = /^(.{3,120}?:)\s+(?=[A-Z][a-z]+-[A-Z])/;

export function remedyBlocks(remedy: string): RemedyBlock[] {
  const lines: RemedyBlock[] = [];
  for (const raw of remedy.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const lead = LEAD_IN.exec(line);
    if (!COMMAND.test(line) && lead && COMMAND.test(line.slice(lead[0].length))) {
      lines.push({ kind: 'text', text: lead[1]! });
      lines.push({ kind: 'code', text: line.slice(lead[0].length) });
    } else lines.push({ kind: COMMAND.test(line) ? 'code' : 'text', text: line });
  }
  // Neighbouring lines of one kind make one block; text is escaped (it can quote an IdP's values).
  const blocks: RemedyBlock[] = [];
  for (const l of lines) {
    const last = blocks.at(-1);
    if (last?.kind === l.kind) last.text += `\n${l.text}`;
    else blocks.push({ ...l });
  }
  return blocks.map((b) => (b.kind === 'text' ? { kind: 'text', text: cardText(b.text) } : b));
}
