/** Row types of the compute-resources tables; merged into `Database` by schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ComputeResourceTables {}
