/**
 * Glance 25's JSON schemas, as GET /v2/schemas/* returns them (generated from
 * glance.api.v2.*.get_schema() and etc/schema-image.json; data, not logic).
 * The image schema's format enums come from config (see image-schema.ts).
 */

/** Base image attributes (glance.api.v2.images.get_base_properties). */
export const imageBaseProperties: Record<string, Record<string, unknown>> = {
  checksum: {
    description: 'md5 hash of image contents.',
    maxLength: 32,
    readOnly: true,
    type: ['null', 'string'],
  },
  container_format: {
    description: 'Format of the container',
    enum: [null, 'ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'],
    type: ['null', 'string'],
  },
  created_at: {
    description: 'Date and time of image registration',
    readOnly: true,
    type: 'string',
  },
  direct_url: {
    description: 'URL to access the image file kept in external store',
    readOnly: true,
    type: 'string',
  },
  disk_format: {
    description: 'Format of the disk',
    enum: [null, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'],
    type: ['null', 'string'],
  },
  file: {
    description: 'An image file url',
    readOnly: true,
    type: 'string',
  },
  id: {
    description: 'An identifier for the image',
    pattern:
      '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    type: 'string',
  },
  locations: {
    description: 'A set of URLs to access the image file kept in external store',
    items: {
      properties: {
        metadata: {
          type: 'object',
        },
        url: {
          maxLength: 255,
          type: 'string',
        },
        validation_data: {
          additionalProperties: false,
          description:
            "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
          properties: {
            checksum: {
              maxLength: 32,
              minLength: 32,
              type: 'string',
            },
            os_hash_algo: {
              maxLength: 64,
              type: 'string',
            },
            os_hash_value: {
              maxLength: 128,
              type: 'string',
            },
          },
          required: ['os_hash_algo', 'os_hash_value'],
          type: 'object',
          writeOnly: true,
        },
      },
      required: ['url', 'metadata'],
      type: 'object',
    },
    type: 'array',
  },
  min_disk: {
    description: 'Amount of disk space (in GB) required to boot image.',
    type: 'integer',
  },
  min_ram: {
    description: 'Amount of ram (in MB) required to boot image.',
    type: 'integer',
  },
  name: {
    description: 'Descriptive name for the image',
    maxLength: 255,
    type: ['null', 'string'],
  },
  os_hash_algo: {
    description: 'Algorithm to calculate the os_hash_value',
    maxLength: 64,
    readOnly: true,
    type: ['null', 'string'],
  },
  os_hash_value: {
    description:
      'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
    maxLength: 128,
    readOnly: true,
    type: ['null', 'string'],
  },
  os_hidden: {
    description: 'If true, image will not appear in default image list response.',
    type: 'boolean',
  },
  owner: {
    description: 'Owner of the image',
    maxLength: 255,
    type: ['null', 'string'],
  },
  protected: {
    description: 'If true, image will not be deletable.',
    type: 'boolean',
  },
  schema: {
    description: 'An image schema url',
    readOnly: true,
    type: 'string',
  },
  self: {
    description: 'An image self url',
    readOnly: true,
    type: 'string',
  },
  size: {
    description: 'Size of image file in bytes',
    readOnly: true,
    type: ['null', 'integer'],
  },
  status: {
    description: 'Status of the image',
    enum: [
      'queued',
      'saving',
      'active',
      'killed',
      'deleted',
      'uploading',
      'importing',
      'pending_delete',
      'deactivated',
    ],
    readOnly: true,
    type: 'string',
  },
  stores: {
    description:
      'Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.',
    readOnly: true,
    type: 'string',
  },
  tags: {
    description: 'List of strings related to the image',
    items: {
      maxLength: 255,
      type: 'string',
    },
    type: 'array',
  },
  updated_at: {
    description: 'Date and time of the last image modification',
    readOnly: true,
    type: 'string',
  },
  virtual_size: {
    description: 'Virtual size of image in bytes',
    readOnly: true,
    type: ['null', 'integer'],
  },
  visibility: {
    description: 'Scope of image accessibility',
    enum: ['community', 'public', 'private', 'shared'],
    type: 'string',
  },
}

/** Operator-defined properties Glance ships in schema-image.json. */
export const customImageProperties: Record<string, Record<string, unknown>> = {
  kernel_id: {
    type: ['null', 'string'],
    pattern:
      '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    description:
      'ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.',
  },
  ramdisk_id: {
    type: ['null', 'string'],
    pattern:
      '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    description:
      'ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.',
  },
  instance_uuid: {
    type: 'string',
    description:
      'Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)',
  },
  architecture: {
    description:
      'Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
    type: 'string',
  },
  os_distro: {
    description:
      'Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
    type: 'string',
  },
  os_version: {
    description: 'Operating system version as specified by the distributor.',
    type: 'string',
  },
  description: {
    description: 'A human-readable string describing this image.',
    type: 'string',
  },
  cinder_encryption_key_id: {
    description:
      'Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image',
    type: 'string',
  },
  cinder_encryption_key_deletion_policy: {
    description:
      "States the condition under which the Image Service will delete the object associated with the 'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will take no action",
    type: 'string',
    enum: ['on_image_deletion', 'do_not_delete'],
  },
}

/** Every other schema by its path under /v2/schemas/. */
export const staticSchemas: Record<string, unknown> = {
  member: {
    name: 'member',
    properties: {
      created_at: {
        description: 'Date and time of image member creation',
        type: 'string',
      },
      image_id: {
        description: 'An identifier for the image',
        pattern:
          '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
        type: 'string',
      },
      member_id: {
        description: 'An identifier for the image member (tenantId)',
        type: 'string',
      },
      schema: {
        readOnly: true,
        type: 'string',
      },
      status: {
        description: 'The status of this image member',
        enum: ['pending', 'accepted', 'rejected'],
        type: 'string',
      },
      updated_at: {
        description: 'Date and time of last modification of image member',
        type: 'string',
      },
    },
  },
  members: {
    links: [
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'members',
    properties: {
      members: {
        items: {
          name: 'member',
          properties: {
            created_at: {
              description: 'Date and time of image member creation',
              type: 'string',
            },
            image_id: {
              description: 'An identifier for the image',
              pattern:
                '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
              type: 'string',
            },
            member_id: {
              description: 'An identifier for the image member (tenantId)',
              type: 'string',
            },
            schema: {
              readOnly: true,
              type: 'string',
            },
            status: {
              description: 'The status of this image member',
              enum: ['pending', 'accepted', 'rejected'],
              type: 'string',
            },
            updated_at: {
              description: 'Date and time of last modification of image member',
              type: 'string',
            },
          },
        },
        type: 'array',
      },
      schema: {
        type: 'string',
      },
    },
  },
  'metadefs/namespace': {
    additionalProperties: false,
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      property: {
        additionalProperties: {
          properties: {
            additionalItems: {
              type: 'boolean',
            },
            default: {},
            description: {
              type: 'string',
            },
            enum: {
              type: 'array',
            },
            items: {
              properties: {
                enum: {
                  type: 'array',
                },
                type: {
                  enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
                  type: 'string',
                },
              },
              type: 'object',
            },
            maxItems: {
              $ref: '#/definitions/positiveInteger',
            },
            maxLength: {
              $ref: '#/definitions/positiveInteger',
            },
            maximum: {
              type: 'number',
            },
            minItems: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minLength: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minimum: {
              type: 'number',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            operators: {
              items: {
                type: 'string',
              },
              type: 'array',
            },
            pattern: {
              format: 'regex',
              type: 'string',
            },
            readonly: {
              type: 'boolean',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            title: {
              type: 'string',
            },
            type: {
              enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
              type: 'string',
            },
            uniqueItems: {
              default: false,
              type: 'boolean',
            },
          },
          required: ['title', 'type'],
          type: 'object',
        },
        type: 'object',
      },
      stringArray: {
        items: {
          type: 'string',
        },
        type: 'array',
        uniqueItems: true,
      },
    },
    name: 'namespace',
    properties: {
      created_at: {
        description: 'Date and time of namespace creation',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
      description: {
        description: 'Provides a user friendly description of the namespace.',
        maxLength: 500,
        type: 'string',
      },
      display_name: {
        description: 'The user friendly name for the namespace. Used by UI if available.',
        maxLength: 80,
        type: 'string',
      },
      namespace: {
        description: 'The unique namespace text.',
        maxLength: 80,
        type: 'string',
      },
      objects: {
        items: {
          properties: {
            description: {
              type: 'string',
            },
            name: {
              type: 'string',
            },
            properties: {
              $ref: '#/definitions/property',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
          },
          type: 'object',
        },
        type: 'array',
      },
      owner: {
        description: 'Owner of the namespace.',
        maxLength: 255,
        type: 'string',
      },
      properties: {
        $ref: '#/definitions/property',
      },
      protected: {
        description: 'If true, namespace will not be deletable.',
        type: 'boolean',
      },
      resource_type_associations: {
        items: {
          properties: {
            name: {
              type: 'string',
            },
            prefix: {
              type: 'string',
            },
            properties_target: {
              type: 'string',
            },
          },
          type: 'object',
        },
        type: 'array',
      },
      schema: {
        readOnly: true,
        type: 'string',
      },
      self: {
        readOnly: true,
        type: 'string',
      },
      tags: {
        items: {
          properties: {
            name: {
              type: 'string',
            },
          },
          type: 'object',
        },
        type: 'array',
      },
      updated_at: {
        description: 'Date and time of the last namespace modification',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
      visibility: {
        description: 'Scope of namespace accessibility.',
        enum: ['public', 'private'],
        type: 'string',
      },
    },
    required: ['namespace'],
  },
  'metadefs/namespaces': {
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      property: {
        additionalProperties: {
          properties: {
            additionalItems: {
              type: 'boolean',
            },
            default: {},
            description: {
              type: 'string',
            },
            enum: {
              type: 'array',
            },
            items: {
              properties: {
                enum: {
                  type: 'array',
                },
                type: {
                  enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
                  type: 'string',
                },
              },
              type: 'object',
            },
            maxItems: {
              $ref: '#/definitions/positiveInteger',
            },
            maxLength: {
              $ref: '#/definitions/positiveInteger',
            },
            maximum: {
              type: 'number',
            },
            minItems: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minLength: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minimum: {
              type: 'number',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            operators: {
              items: {
                type: 'string',
              },
              type: 'array',
            },
            pattern: {
              format: 'regex',
              type: 'string',
            },
            readonly: {
              type: 'boolean',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            title: {
              type: 'string',
            },
            type: {
              enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
              type: 'string',
            },
            uniqueItems: {
              default: false,
              type: 'boolean',
            },
          },
          required: ['title', 'type'],
          type: 'object',
        },
        type: 'object',
      },
      stringArray: {
        items: {
          type: 'string',
        },
        type: 'array',
        uniqueItems: true,
      },
    },
    links: [
      {
        href: '{first}',
        rel: 'first',
      },
      {
        href: '{next}',
        rel: 'next',
      },
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'namespaces',
    properties: {
      first: {
        type: 'string',
      },
      namespaces: {
        items: {
          additionalProperties: false,
          name: 'namespace',
          properties: {
            created_at: {
              description: 'Date and time of namespace creation',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
            description: {
              description: 'Provides a user friendly description of the namespace.',
              maxLength: 500,
              type: 'string',
            },
            display_name: {
              description: 'The user friendly name for the namespace. Used by UI if available.',
              maxLength: 80,
              type: 'string',
            },
            namespace: {
              description: 'The unique namespace text.',
              maxLength: 80,
              type: 'string',
            },
            objects: {
              items: {
                properties: {
                  description: {
                    type: 'string',
                  },
                  name: {
                    type: 'string',
                  },
                  properties: {
                    $ref: '#/definitions/property',
                  },
                  required: {
                    $ref: '#/definitions/stringArray',
                  },
                },
                type: 'object',
              },
              type: 'array',
            },
            owner: {
              description: 'Owner of the namespace.',
              maxLength: 255,
              type: 'string',
            },
            properties: {
              $ref: '#/definitions/property',
            },
            protected: {
              description: 'If true, namespace will not be deletable.',
              type: 'boolean',
            },
            resource_type_associations: {
              items: {
                properties: {
                  name: {
                    type: 'string',
                  },
                  prefix: {
                    type: 'string',
                  },
                  properties_target: {
                    type: 'string',
                  },
                },
                type: 'object',
              },
              type: 'array',
            },
            schema: {
              readOnly: true,
              type: 'string',
            },
            self: {
              readOnly: true,
              type: 'string',
            },
            tags: {
              items: {
                properties: {
                  name: {
                    type: 'string',
                  },
                },
                type: 'object',
              },
              type: 'array',
            },
            updated_at: {
              description: 'Date and time of the last namespace modification',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
            visibility: {
              description: 'Scope of namespace accessibility.',
              enum: ['public', 'private'],
              type: 'string',
            },
          },
          required: ['namespace'],
        },
        type: 'array',
      },
      next: {
        type: 'string',
      },
      schema: {
        type: 'string',
      },
    },
  },
  'metadefs/object': {
    additionalProperties: false,
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      property: {
        additionalProperties: {
          properties: {
            additionalItems: {
              type: 'boolean',
            },
            default: {},
            description: {
              type: 'string',
            },
            enum: {
              type: 'array',
            },
            items: {
              properties: {
                enum: {
                  type: 'array',
                },
                type: {
                  enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
                  type: 'string',
                },
              },
              type: 'object',
            },
            maxItems: {
              $ref: '#/definitions/positiveInteger',
            },
            maxLength: {
              $ref: '#/definitions/positiveInteger',
            },
            maximum: {
              type: 'number',
            },
            minItems: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minLength: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minimum: {
              type: 'number',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            operators: {
              items: {
                type: 'string',
              },
              type: 'array',
            },
            pattern: {
              format: 'regex',
              type: 'string',
            },
            readonly: {
              type: 'boolean',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            title: {
              type: 'string',
            },
            type: {
              enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
              type: 'string',
            },
            uniqueItems: {
              default: false,
              type: 'boolean',
            },
          },
          required: ['title', 'type'],
          type: 'object',
        },
        type: 'object',
      },
      stringArray: {
        items: {
          type: 'string',
        },
        type: 'array',
        uniqueItems: true,
      },
    },
    name: 'object',
    properties: {
      created_at: {
        description: 'Date and time of object creation',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
      description: {
        type: 'string',
      },
      name: {
        maxLength: 80,
        type: 'string',
      },
      properties: {
        $ref: '#/definitions/property',
      },
      required: {
        $ref: '#/definitions/stringArray',
      },
      schema: {
        readOnly: true,
        type: 'string',
      },
      self: {
        readOnly: true,
        type: 'string',
      },
      updated_at: {
        description: 'Date and time of the last object modification',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
    },
    required: ['name'],
  },
  'metadefs/objects': {
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      property: {
        additionalProperties: {
          properties: {
            additionalItems: {
              type: 'boolean',
            },
            default: {},
            description: {
              type: 'string',
            },
            enum: {
              type: 'array',
            },
            items: {
              properties: {
                enum: {
                  type: 'array',
                },
                type: {
                  enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
                  type: 'string',
                },
              },
              type: 'object',
            },
            maxItems: {
              $ref: '#/definitions/positiveInteger',
            },
            maxLength: {
              $ref: '#/definitions/positiveInteger',
            },
            maximum: {
              type: 'number',
            },
            minItems: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minLength: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minimum: {
              type: 'number',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            operators: {
              items: {
                type: 'string',
              },
              type: 'array',
            },
            pattern: {
              format: 'regex',
              type: 'string',
            },
            readonly: {
              type: 'boolean',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            title: {
              type: 'string',
            },
            type: {
              enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
              type: 'string',
            },
            uniqueItems: {
              default: false,
              type: 'boolean',
            },
          },
          required: ['title', 'type'],
          type: 'object',
        },
        type: 'object',
      },
      stringArray: {
        items: {
          type: 'string',
        },
        type: 'array',
        uniqueItems: true,
      },
    },
    links: [
      {
        href: '{first}',
        rel: 'first',
      },
      {
        href: '{next}',
        rel: 'next',
      },
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'objects',
    properties: {
      first: {
        type: 'string',
      },
      next: {
        type: 'string',
      },
      objects: {
        items: {
          additionalProperties: false,
          name: 'object',
          properties: {
            created_at: {
              description: 'Date and time of object creation',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
            description: {
              type: 'string',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            properties: {
              $ref: '#/definitions/property',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            schema: {
              readOnly: true,
              type: 'string',
            },
            self: {
              readOnly: true,
              type: 'string',
            },
            updated_at: {
              description: 'Date and time of the last object modification',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
          },
          required: ['name'],
        },
        type: 'array',
      },
      schema: {
        type: 'string',
      },
    },
  },
  'metadefs/properties': {
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      stringArray: {
        items: {
          type: 'string',
        },
        minItems: 1,
        type: 'array',
        uniqueItems: true,
      },
    },
    links: [
      {
        href: '{first}',
        rel: 'first',
      },
      {
        href: '{next}',
        rel: 'next',
      },
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'properties',
    properties: {
      first: {
        type: 'string',
      },
      next: {
        type: 'string',
      },
      properties: {
        additionalProperties: {
          additionalProperties: false,
          name: 'property',
          properties: {
            additionalItems: {
              type: 'boolean',
            },
            default: {},
            description: {
              type: 'string',
            },
            enum: {
              type: 'array',
            },
            items: {
              properties: {
                enum: {
                  type: 'array',
                },
                type: {
                  enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
                  type: 'string',
                },
              },
              type: 'object',
            },
            maxItems: {
              $ref: '#/definitions/positiveInteger',
            },
            maxLength: {
              $ref: '#/definitions/positiveInteger',
            },
            maximum: {
              type: 'number',
            },
            minItems: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minLength: {
              $ref: '#/definitions/positiveIntegerDefault0',
            },
            minimum: {
              type: 'number',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            operators: {
              items: {
                type: 'string',
              },
              type: 'array',
            },
            pattern: {
              format: 'regex',
              type: 'string',
            },
            readonly: {
              type: 'boolean',
            },
            required: {
              $ref: '#/definitions/stringArray',
            },
            title: {
              type: 'string',
            },
            type: {
              enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
              type: 'string',
            },
            uniqueItems: {
              default: false,
              type: 'boolean',
            },
          },
          required: ['type', 'title'],
        },
        type: 'object',
      },
      schema: {
        type: 'string',
      },
    },
  },
  'metadefs/property': {
    additionalProperties: false,
    definitions: {
      positiveInteger: {
        minimum: 0,
        type: 'integer',
      },
      positiveIntegerDefault0: {
        allOf: [
          {
            $ref: '#/definitions/positiveInteger',
          },
          {
            default: 0,
          },
        ],
      },
      stringArray: {
        items: {
          type: 'string',
        },
        minItems: 1,
        type: 'array',
        uniqueItems: true,
      },
    },
    name: 'property',
    properties: {
      additionalItems: {
        type: 'boolean',
      },
      default: {},
      description: {
        type: 'string',
      },
      enum: {
        type: 'array',
      },
      items: {
        properties: {
          enum: {
            type: 'array',
          },
          type: {
            enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
            type: 'string',
          },
        },
        type: 'object',
      },
      maxItems: {
        $ref: '#/definitions/positiveInteger',
      },
      maxLength: {
        $ref: '#/definitions/positiveInteger',
      },
      maximum: {
        type: 'number',
      },
      minItems: {
        $ref: '#/definitions/positiveIntegerDefault0',
      },
      minLength: {
        $ref: '#/definitions/positiveIntegerDefault0',
      },
      minimum: {
        type: 'number',
      },
      name: {
        maxLength: 80,
        type: 'string',
      },
      operators: {
        items: {
          type: 'string',
        },
        type: 'array',
      },
      pattern: {
        format: 'regex',
        type: 'string',
      },
      readonly: {
        type: 'boolean',
      },
      required: {
        $ref: '#/definitions/stringArray',
      },
      title: {
        type: 'string',
      },
      type: {
        enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null],
        type: 'string',
      },
      uniqueItems: {
        default: false,
        type: 'boolean',
      },
    },
    required: ['type', 'title', 'name'],
  },
  'metadefs/resource_type': {
    additionalProperties: false,
    name: 'resource_type_association',
    properties: {
      created_at: {
        description: 'Date and time of resource type association',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
      name: {
        description:
          'Resource type names should be aligned with Heat resource types whenever possible: https://docs.openstack.org/heat/latest/template_guide/openstack.html',
        maxLength: 80,
        type: 'string',
      },
      prefix: {
        description:
          'Specifies the prefix to use for the given resource type. Any properties in the namespace should be prefixed with this prefix when being applied to the specified resource type. Must include prefix separator (e.g. a colon :).',
        maxLength: 80,
        type: 'string',
      },
      properties_target: {
        description:
          'Some resource types allow more than one key / value pair per instance.  For example, Cinder allows user and image metadata on volumes. Only the image properties metadata is evaluated by Nova (scheduling or drivers). This property allows a namespace target to remove the ambiguity.',
        maxLength: 80,
        type: 'string',
      },
      updated_at: {
        description: 'Date and time of the last resource type association modification',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
    },
    required: ['name'],
  },
  'metadefs/resource_types': {
    links: [
      {
        href: '{first}',
        rel: 'first',
      },
      {
        href: '{next}',
        rel: 'next',
      },
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'resource_type_associations',
    properties: {
      first: {
        type: 'string',
      },
      next: {
        type: 'string',
      },
      resource_type_associations: {
        items: {
          additionalProperties: false,
          name: 'resource_type_association',
          properties: {
            created_at: {
              description: 'Date and time of resource type association',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
            name: {
              description:
                'Resource type names should be aligned with Heat resource types whenever possible: https://docs.openstack.org/heat/latest/template_guide/openstack.html',
              maxLength: 80,
              type: 'string',
            },
            prefix: {
              description:
                'Specifies the prefix to use for the given resource type. Any properties in the namespace should be prefixed with this prefix when being applied to the specified resource type. Must include prefix separator (e.g. a colon :).',
              maxLength: 80,
              type: 'string',
            },
            properties_target: {
              description:
                'Some resource types allow more than one key / value pair per instance.  For example, Cinder allows user and image metadata on volumes. Only the image properties metadata is evaluated by Nova (scheduling or drivers). This property allows a namespace target to remove the ambiguity.',
              maxLength: 80,
              type: 'string',
            },
            updated_at: {
              description: 'Date and time of the last resource type association modification',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
          },
          required: ['name'],
        },
        type: 'array',
      },
      schema: {
        type: 'string',
      },
    },
  },
  'metadefs/tag': {
    additionalProperties: false,
    name: 'tag',
    properties: {
      created_at: {
        description: 'Date and time of tag creation',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
      name: {
        maxLength: 80,
        type: 'string',
      },
      updated_at: {
        description: 'Date and time of the last tag modification',
        format: 'date-time',
        readOnly: true,
        type: 'string',
      },
    },
    required: ['name'],
  },
  'metadefs/tags': {
    links: [
      {
        href: '{first}',
        rel: 'first',
      },
      {
        href: '{next}',
        rel: 'next',
      },
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'tags',
    properties: {
      first: {
        type: 'string',
      },
      next: {
        type: 'string',
      },
      schema: {
        type: 'string',
      },
      tags: {
        items: {
          additionalProperties: false,
          name: 'tag',
          properties: {
            created_at: {
              description: 'Date and time of tag creation',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
            name: {
              maxLength: 80,
              type: 'string',
            },
            updated_at: {
              description: 'Date and time of the last tag modification',
              format: 'date-time',
              readOnly: true,
              type: 'string',
            },
          },
          required: ['name'],
        },
        type: 'array',
      },
    },
  },
  task: {
    name: 'task',
    properties: {
      created_at: {
        description: 'Datetime when this resource was created',
        type: 'string',
      },
      expires_at: {
        description: 'Datetime when this resource would be subject to removal',
        type: ['null', 'string'],
      },
      id: {
        description: 'An identifier for the task',
        pattern:
          '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
        type: 'string',
      },
      image_id: {
        description: 'Image associated with the task',
        type: 'string',
      },
      input: {
        description: 'The parameters required by task, JSON blob',
        type: ['null', 'object'],
      },
      message: {
        description:
          'Human-readable informative message only included when appropriate (usually on failure)',
        type: 'string',
      },
      owner: {
        description: 'An identifier for the owner of this task',
        type: 'string',
      },
      request_id: {
        description: 'Human-readable informative request-id',
        type: 'string',
      },
      result: {
        description: 'The result of current task, JSON blob',
        type: ['null', 'object'],
      },
      schema: {
        readOnly: true,
        type: 'string',
      },
      self: {
        readOnly: true,
        type: 'string',
      },
      status: {
        description: 'The current status of this task',
        enum: ['pending', 'processing', 'success', 'failure'],
        type: 'string',
      },
      type: {
        description: 'The type of task represented by this content',
        enum: ['import', 'api_image_import'],
        type: 'string',
      },
      updated_at: {
        description: 'Datetime when this resource was updated',
        type: 'string',
      },
      user_id: {
        description: 'User associated with the task',
        type: 'string',
      },
    },
  },
  tasks: {
    links: [
      {
        href: '{schema}',
        rel: 'describedby',
      },
    ],
    name: 'tasks',
    properties: {
      schema: {
        type: 'string',
      },
      tasks: {
        items: {
          name: 'task',
          properties: {
            created_at: {
              description: 'Datetime when this resource was created',
              type: 'string',
            },
            expires_at: {
              description: 'Datetime when this resource would be subject to removal',
              type: ['null', 'string'],
            },
            id: {
              description: 'An identifier for the task',
              pattern:
                '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
              type: 'string',
            },
            image_id: {
              description: 'Image associated with the task',
              type: 'string',
            },
            owner: {
              description: 'An identifier for the owner of this task',
              type: 'string',
            },
            request_id: {
              description: 'Human-readable informative request-id',
              type: 'string',
            },
            schema: {
              readOnly: true,
              type: 'string',
            },
            self: {
              readOnly: true,
              type: 'string',
            },
            status: {
              description: 'The current status of this task',
              enum: ['pending', 'processing', 'success', 'failure'],
              type: 'string',
            },
            type: {
              description: 'The type of task represented by this content',
              enum: ['import', 'api_image_import'],
              type: 'string',
            },
            updated_at: {
              description: 'Datetime when this resource was updated',
              type: 'string',
            },
            user_id: {
              description: 'User associated with the task',
              type: 'string',
            },
          },
        },
        type: 'array',
      },
    },
  },
}
