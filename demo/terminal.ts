/**
 * How the demo talks: numbered steps with a few plain sentences, then the evidence, indented.
 * Bold and dim only on a terminal and never when NO_COLOR is set (https://no-color.org).
 */

const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const sgr = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = sgr('1');
export const dim = sgr('2');

const WIDTH = Math.min(Math.max((process.stdout.columns ?? 100) - 2, 60), 98);
const PROSE = '   ';
const EVIDENCE = '     ';

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line && indent.length + line.length + 1 + word.length > WIDTH) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line);
  }
  return lines.join('\n');
}

const print = (text: string) => process.stdout.write(`${text}\n`);

export function banner(title: string, subtitle: string): void {
  print(bold(title));
  print(wrap(subtitle, ''));
}

/** A numbered step: its heading and one or two sentences on what happens and why. */
export function step(n: number, heading: string, prose: string): void {
  print('');
  print(bold(`${n}. ${heading}`));
  print(wrap(prose, PROSE));
}

/** A sentence inside a step (between pieces of evidence). */
export function say(prose: string): void {
  print(wrap(prose, PROSE));
}

/** Evidence: output of a command, state read from a server, a file. Printed as is, indented. */
export function show(text: string | string[]): void {
  const lines = (Array.isArray(text) ? text : text.replace(/\n+$/, '').split('\n')).map((l) =>
    l.replace(/\s+$/, ''),
  );
  for (const l of lines) print(l ? `${EVIDENCE}${dim(l)}` : '');
}

/** `label  value` rows with the labels aligned. */
export function pairs(rows: Array<[string, string]>): void {
  const w = Math.max(...rows.map(([k]) => k.length));
  show(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`));
}

/** A command as the reader would type it. */
export function command(line: string): void {
  print(`${EVIDENCE}$ ${line}`);
}

export function blank(): void {
  print('');
}

export function paragraph(text: string): void {
  print('');
  print(wrap(text, ''));
}
