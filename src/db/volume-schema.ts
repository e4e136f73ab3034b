/** Row types of the volume tables; merged into `Database` by schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VolumeTables {}
