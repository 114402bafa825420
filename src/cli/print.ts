/** How a command writes a line of its result on stdout; commands receive it from main.ts. */
export type Print = (line: string) => void;

export const print: Print = (line) => {
  process.stdout.write(`${line}\n`);
};
