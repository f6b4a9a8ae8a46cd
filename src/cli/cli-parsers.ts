import { InvalidArgumentError } from 'commander';

export function parseInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number of seconds`);
  return Number(value);
}

export function parseList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}
