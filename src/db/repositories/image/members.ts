import type { Db } from '../../database.js'
import { isUniqueViolation } from '../../database.js'
import { nowIso } from './rows.js'

/** One project an image is shared with. */
export interface MemberRecord {
  readonly imageId: string
  readonly memberId: string
  readonly status: string
  readonly createdAt: string
  readonly updatedAt: string
}

type Row = {
  image_id: string
  member: string
  status: string
  created_at: string
  updated_at: string
}

const toMember = (r: Row): MemberRecord => ({
  imageId: r.image_id,
  memberId: r.member,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** Adds a pending membership; returns undefined when the project is already a member. */
export async function addMember(
  db: Db,
  imageId: string,
  memberId: string,
): Promise<MemberRecord | undefined> {
  const now = nowIso()
  const row = {
    image_id: imageId,
    member: memberId,
    status: 'pending',
    created_at: now,
    updated_at: now,
  }
  try {
    await db.insertInto('image_members').values(row).execute()
  } catch (err) {
    if (isUniqueViolation(err)) return undefined
    throw err
  }
  return toMember(row)
}

export async function getMember(
  db: Db,
  imageId: string,
  memberId: string,
): Promise<MemberRecord | undefined> {
  const r = await db
    .selectFrom('image_members')
    .selectAll()
    .where('image_id', '=', imageId)
    .where('member', '=', memberId)
    .executeTakeFirst()
  return r ? toMember(r) : undefined
}

export async function listMembers(db: Db, imageId: string): Promise<MemberRecord[]> {
  const rows = await db
    .selectFrom('image_members')
    .selectAll()
    .where('image_id', '=', imageId)
    .orderBy('created_at')
    .execute()
  return rows.map(toMember)
}

export async function countMembers(db: Db, imageId: string): Promise<number> {
  const r = await db
    .selectFrom('image_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('image_id', '=', imageId)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

export async function setMemberStatus(
  db: Db,
  imageId: string,
  memberId: string,
  status: string,
): Promise<MemberRecord | undefined> {
  await db
    .updateTable('image_members')
    .set({ status, updated_at: nowIso() })
    .where('image_id', '=', imageId)
    .where('member', '=', memberId)
    .execute()
  return getMember(db, imageId, memberId)
}

export async function removeMember(db: Db, imageId: string, memberId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('image_members')
    .where('image_id', '=', imageId)
    .where('member', '=', memberId)
    .executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}
