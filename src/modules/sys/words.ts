import { TsrunError } from '../../core/errors';

/**
 * Splits a command line into words the way POSIX sh would, without expanding anything:
 * single quotes are literal, double quotes honour \" \\ \$ \`, a backslash outside quotes escapes one character.
 * Operators such as | > ; stay ordinary words, since `command` runs no shell.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const unterminated = (what: string): never => {
    throw new TsrunError('PARSE', `command: unterminated ${what} in ${JSON.stringify(line)}`, { expected: 'balanced quotes' });
  };
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) unterminated('single quote');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (line[i] !== '"') {
        if (i >= line.length) unterminated('double quote');
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        word += line[i++];
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) unterminated('backslash');
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
