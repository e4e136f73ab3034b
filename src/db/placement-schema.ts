/** Row types of the placement tables; merged into `Database` by schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlacementTables {}
