import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import {
  COMMAND_NAMES,
  CommandArgsSchemas,
  type CommandName,
  CommandResultSchemas,
  MAX_COMMAND_BYTES,
} from '@triporteur/edge/contract';

/** The contract's schemas compiled once; the unit checks the same ones, so what passes here runs there. */
const compileAll = (schemas: Record<CommandName, TSchema>) =>
  Object.fromEntries(COMMAND_NAMES.map((name) => [name, TypeCompiler.Compile(schemas[name])])) as Record<
    CommandName,
    TypeCheck<TSchema>
  >;

const argsChecks = compileAll(CommandArgsSchemas);
const resultChecks = compileAll(CommandResultSchemas);

function firstProblem(check: TypeCheck<TSchema>, value: unknown): string {
  const first = check.Errors(value).First();
  return first ? `${first.path || '/'} : ${first.message}` : 'ne correspond pas au contrat';
}

/** Room the request envelope `{"v":1,"id":"<up to 64>","args":…}` takes besides the args themselves. */
const ENVELOPE_BYTES = 100;

/** Why `args` cannot be sent as `name` (French, for the technician), or undefined when they can. */
export function argsProblem(name: CommandName, args: unknown): string | undefined {
  const check = argsChecks[name];
  if (!check.Check(args)) return `arguments invalides pour « ${name} » : ${firstProblem(check, args)}`;
  const size = Buffer.byteLength(JSON.stringify(args));
  if (size + ENVELOPE_BYTES > MAX_COMMAND_BYTES) {
    return `arguments trop volumineux pour « ${name} » : ${size} octets (l’unité refuse au-delà de ${MAX_COMMAND_BYTES - ENVELOPE_BYTES})`;
  }
  return undefined;
}

/** Why a unit's result is outside the contract, or undefined when it fits. */
export function resultProblem(name: CommandName, result: unknown): string | undefined {
  const check = resultChecks[name];
  return check.Check(result) ? undefined : firstProblem(check, result);
}
