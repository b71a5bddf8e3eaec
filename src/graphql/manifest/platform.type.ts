import { Field, ObjectType } from 'type-graphql';
import type { Platform as RegistryPlatform } from '../../registry/types.js';

@ObjectType({ description: 'The platform an image runs on, as the OCI image-index spec names it.' })
export class Platform {
  @Field(() => String, { description: 'Operating system, e.g. `linux`, `windows`.' })
  os!: string;

  @Field(() => String, { description: 'CPU architecture, e.g. `amd64`, `arm64`.' })
  architecture!: string;

  @Field(() => String, { nullable: true, description: 'CPU variant, e.g. `v7` for `arm`, `v8` for `arm64`.' })
  variant?: string;

  @Field(() => String, { nullable: true, description: 'OS version (Windows images).' })
  osVersion?: string;

  @Field(() => [String], { nullable: true, description: 'Required OS features (Windows images).' })
  osFeatures?: string[];

  static from(platform: RegistryPlatform): Platform {
    return Object.assign(new Platform(), {
      os: platform.os,
      architecture: platform.architecture,
      variant: platform.variant,
      osVersion: platform['os.version'],
      osFeatures: platform['os.features'] === undefined ? undefined : [...platform['os.features']],
    });
  }
}
