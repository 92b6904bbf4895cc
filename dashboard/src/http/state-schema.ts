import { KindGuard, type TObject, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import {
  AuxUpdateSchema,
  BatteryUpdateSchema,
  HotspotUpdateSchema,
  MotorUpdateSchema,
  PositionUpdateSchema,
  SystemUpdateSchema,
  UplinkUpdateSchema,
} from '@triporteur/edge/contract';

/** The full shape of a kind in the contract (the union member that carries `full: true`). */
function fullShape(update: TUnion<TSchema[]>): TObject {
  const full = update.anyOf.find((member) => KindGuard.IsObject(member) && 'full' in member.properties);
  if (!full || !KindGuard.IsObject(full)) throw new Error('contract kind schema has no full shape');
  return full;
}

/** A kind as `applyRecord` holds it; the response schema also decides what gets serialised, so it is exact. */
function kindStateSchema(update: TUnion<TSchema[]>) {
  return Type.Object({
    values: Type.Partial(Type.Omit(fullShape(update), ['full'])),
    complete: Type.Boolean({ description: 'False until the boot has sent this kind in full' }),
    updatedAt: Type.Integer({ description: 'Unit clock of the last record that carried this kind, ms' }),
  });
}

export const ReconstructedStateSchema = Type.Object({
  battery: Type.Optional(kindStateSchema(BatteryUpdateSchema)),
  motor: Type.Optional(kindStateSchema(MotorUpdateSchema)),
  position: Type.Optional(kindStateSchema(PositionUpdateSchema)),
  aux: Type.Optional(kindStateSchema(AuxUpdateSchema)),
  hotspot: Type.Optional(kindStateSchema(HotspotUpdateSchema)),
  uplink: Type.Optional(kindStateSchema(UplinkUpdateSchema)),
  system: Type.Optional(kindStateSchema(SystemUpdateSchema)),
});

/** GET /api/units/:id/state. Every field but `unitId` is null before the unit's first v2 record. */
export const UnitStateResponseSchema = Type.Object({
  unitId: Type.String(),
  bootId: Type.Union([Type.String(), Type.Null()]),
  lastSeq: Type.Union([Type.Integer(), Type.Null()], { description: 'Last record seq folded into the state' }),
  receivedAt: Type.Union([Type.Integer(), Type.Null()], { description: 'Dashboard clock, ms since epoch' }),
  state: Type.Union([ReconstructedStateSchema, Type.Null()]),
});
