// A progress bar on a terminal; sparse plain lines when output is not a terminal (CI, pipes).
import cliProgress from 'cli-progress';
import type { Progress } from '../jobs/jobs.ts';

export interface ProgressBar {
  update: Progress;
  stop(): void;
}

export function progressBar(title: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${title} [{bar}] {percentage}% {message}`, hideCursor: true, stream, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { message: '' });
    return {
      update: (fraction, message) => bar.update(Math.round(fraction * 100), { message: message ?? '' }),
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  let lastMessage: string | undefined;
  return {
    update: (fraction, message) => {
      const tenth = Math.floor(fraction * 10);
      if (tenth === lastTenth && message === lastMessage) return;
      if (tenth !== lastTenth || (message && message !== lastMessage)) {
        stream.write(`${title}: ${Math.round(fraction * 100)}%${message ? ` ${message}` : ''}\n`);
      }
      lastTenth = tenth;
      lastMessage = message;
    },
    stop: () => undefined,
  };
}
