import cliProgress from 'cli-progress';

/** Progress on stderr for runs over the log; silent when stderr is not a terminal. */
export const progressBar = (label: string, total: number | undefined) => {
  const bar = new cliProgress.SingleBar(
    {
      format: total ? `${label} [{bar}] {percentage}% {value}/{total}` : `${label} {value} events`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  return {
    update: (value: number, newTotal?: number) => {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
};
