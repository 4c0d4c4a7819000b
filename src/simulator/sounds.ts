/** Sound catalog: what the simulated Asterisk has on disk, with playback lengths in ms. */
export interface SoundEntry {
  id: string;
  text: string;
  durationMs: number;
  languages: string[];
}

const all = ['en', 'vi', 'fa'];
const enOnly = ['en'];

const base: [string, number, string, string[]][] = [
  ['hello-world', 2000, 'Hello world.', all],
  ['beep', 300, 'A beep.', all],
  ['silence/1', 1000, 'One second of silence.', all],
  ['conf-now-muted', 1500, 'You are now muted.', enOnly],
  ['tt-monkeys', 12000, 'Monkeys.', all],
  ['tt-allbusy', 3500, 'All representatives are busy, please call back later.', all],
  ['tt-weasels', 4000, 'Weasels have eaten our phone system.', enOnly],
  ['ss-noservice', 3000, 'The number you have dialed is not in service.', enOnly],
  ['vm-goodbye', 1000, 'Goodbye.', all],
  ['vm-intro', 3000, 'Please leave your message after the tone.', all],
  ['vm-login', 1200, 'Comedian Mail. Mailbox?', enOnly],
  ['vm-password', 800, 'Password.', enOnly],
  ['vm-options', 4500, 'Press 1 to record your unavailable message...', enOnly],
  ['vm-msgsaved', 1200, 'Your message has been saved.', all],
  ['vm-review', 4000, 'Press 1 to accept this recording...', enOnly],
  ['vm-invalid-password', 1500, 'That password does not match.', enOnly],
  ['queue-thankyou', 2000, 'Thank you for your patience.', all],
  ['queue-callswaiting', 1500, 'Calls waiting.', all],
  ['queue-thereare', 800, 'There are', all],
  ['queue-youarenext', 1500, 'You are now first in line.', all],
  ['queue-holdtime', 2000, 'The estimated hold time is', all],
  ['queue-minutes', 600, 'minutes', all],
  ['queue-seconds', 600, 'seconds', all],
  ['queue-reporthold', 800, 'Hold time', all],
  ['queue-periodic-announce', 3000, 'All representatives are currently busy assisting other callers.', all],
  ['queue-less-than', 700, 'less than', all],
  ['agent-loginok', 1000, 'Agent logged in.', enOnly],
  ['agent-loggedoff', 1000, 'Agent logged off.', enOnly],
  ['pls-hold-while-try', 2500, 'Please hold while I try that extension.', all],
  ['transfer', 1000, 'Transfer.', all],
  ['pbx-invalid', 2000, 'I am sorry, that is not a valid extension.', all],
  ['please-try-again', 1000, 'Please try again.', all],
  ['auth-thankyou', 1000, 'Thank you.', all],
  ['goodbye', 800, 'Goodbye.', all],
  ['welcome', 1200, 'Welcome.', all],
  ['thank-you-for-calling', 1500, 'Thank you for calling.', all],
  ['demo-congrats', 9000, 'Congratulations...', enOnly],
  ['demo-thanks', 2000, 'Goodbye. Thank you for trying out the Asterisk Open Source PBX.', enOnly],
  ['press-1', 800, 'Press 1', all],
  ['press-2', 800, 'Press 2', all],
  ['for-sales', 800, 'For sales', enOnly],
  ['beeperr', 400, 'Error beep.', all],
  ['privacy-thankyou', 1200, 'Thank you.', enOnly],
  ['custom/survey-intro', 4000, 'Please rate your call.', all],
];

const digits: [string, number, string, string[]][] = [];
for (let d = 0; d <= 9; d++) digits.push([`digits/${d}`, 500, `${d}`, all]);
for (const n of [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 40, 50, 60, 70, 80, 90])
  digits.push([`digits/${n}`, 600, `${n}`, all]);
for (const w of ['hundred', 'thousand', 'million', 'minus', 'star', 'pound', 'oclock', 'day-0', 'at'])
  digits.push([`digits/${w}`, 600, w, enOnly]);
for (const l of 'abcdefghijklmnopqrstuvwxyz') digits.push([`letters/${l}`, 400, l, enOnly]);

export const sounds = new Map<string, SoundEntry>(
  [...base, ...digits].map(([id, durationMs, text, languages]) => [id, { id, text, durationMs, languages }]),
);

/** Length of a sound in a language; undefined when Asterisk would fail to find the file. */
export function soundDuration(id: string, language: string): number | undefined {
  const s = sounds.get(id);
  if (!s) return undefined;
  // Asterisk looks in sounds/<lang>/ and then falls back to the default (en) directory.
  if (s.languages.includes(language) || s.languages.includes('en')) return s.durationMs;
  return undefined;
}

export function sayDigitsDuration(digitsText: string): number {
  return [...digitsText].filter((c) => /[0-9*#a-z]/i.test(c)).length * 500;
}

export function sayNumberDuration(n: string): number {
  const v = Math.abs(Math.trunc(Number(n)));
  if (!Number.isFinite(v)) return 0;
  // Roughly one word per non-zero group: "one thousand two hundred thirty four".
  const words =
    v === 0 ? 1 : Math.max(1, String(v).replace(/0/g, '').length + Math.floor(String(v).length / 3));
  return words * 600 + (Number(n) < 0 ? 600 : 0);
}
