import { create } from '@bufbuild/protobuf';
import { type Actor, ActorKind, ActorSchema } from '@clement/contracts';
import type { Principal } from '@clement/staff-api';

/** Who made a plan, a promise or a mandate, as stored (jsonb) and published. */
export interface StoredActor {
  kind: 'debtor' | 'staff';
  id: string;
}

/** The portal acts for the case's debtor; anyone else is staff, by their subject. */
export function actorOf(principal: Principal, debtorId: string): StoredActor {
  return principal.roles.includes('debtor-portal')
    ? { kind: 'debtor', id: debtorId }
    : { kind: 'staff', id: principal.subject };
}

export function actorMessage(actor: StoredActor): Actor {
  return create(ActorSchema, {
    kind: actor.kind === 'debtor' ? ActorKind.DEBTOR : ActorKind.STAFF,
    id: actor.id,
  });
}
