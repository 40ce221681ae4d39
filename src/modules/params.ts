import { z } from 'zod';

/** Parameter building blocks shared by the modules, so their schemas read alike. */

export const probability = (value: number, description: string) =>
  z.number().min(0).max(1).default(value).describe(description);

export const points = (value: number, description: string) => z.number().int().default(value).describe(description);

export const days = (value: number, description: string) =>
  z.number().int().min(0).default(value).describe(description);

/** The name of a column a module owns or reads; renaming lets two instances of a module coexist. */
export const column = (name: string, description: string) =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a name of letters, digits and _').default(name).describe(description);

export const layerName = (name: string, description: string) => z.string().min(1).default(name).describe(description);

/** A word of the act-phase dice (block (agent, day, 0, 0)). */
export const diceWord = (word: number, description: string) =>
  z.number().int().min(0).max(3).default(word).describe(description);

/** A random stream (third counter word); 0 is the shared dice. */
export const stream = (value: number, description: string) =>
  z.number().int().min(1).max(0xfffffffe).default(value).describe(description);
