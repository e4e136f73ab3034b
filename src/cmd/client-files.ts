import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ClientFilesOptions {
  readonly dataDir: string
  readonly authUrl: string
  readonly password: string
  readonly region: string
}

/** Writes clouds.yaml (cloud `nubis`) and openrc for the admin user; both mode 0600. */
export function writeClientFiles(o: ClientFilesOptions): { cloudsYaml: string; openrc: string } {
  const cloudsYaml = join(o.dataDir, 'clouds.yaml')
  const openrc = join(o.dataDir, 'openrc')
  const q = (s: string): string => JSON.stringify(s)
  writeFileSync(
    cloudsYaml,
    [
      '# Written by `nubis serve`: the admin credentials of this Nubis.',
      '# OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud nubis token issue',
      'clouds:',
      '  nubis:',
      '    auth:',
      `      auth_url: ${q(o.authUrl)}`,
      '      username: admin',
      `      password: ${q(o.password)}`,
      '      project_name: admin',
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      `    region_name: ${q(o.region)}`,
      '    interface: public',
      '    identity_api_version: 3',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  const sh = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`
  writeFileSync(
    openrc,
    [
      '# Written by `nubis serve`: source it, then run `openstack …`.',
      `export OS_AUTH_URL=${sh(o.authUrl)}`,
      'export OS_IDENTITY_API_VERSION=3',
      'export OS_USERNAME=admin',
      `export OS_PASSWORD=${sh(o.password)}`,
      'export OS_PROJECT_NAME=admin',
      'export OS_USER_DOMAIN_NAME=Default',
      'export OS_PROJECT_DOMAIN_NAME=Default',
      `export OS_REGION_NAME=${sh(o.region)}`,
      'export OS_INTERFACE=public',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  return { cloudsYaml, openrc }
}
