import { type TSchema, Type } from '@sinclair/typebox';

/** Every error answer of the API, whatever the route: a stable code to act on, and words for a person. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: 'Code stable, p. ex. DSH_ALERT_UNKNOWN' }),
  message: Type.String({ description: 'Explication' }),
});

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
