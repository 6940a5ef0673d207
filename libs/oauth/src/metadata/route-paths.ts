import { Injectable, type RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { addLeadingSlash } from '@nestjs/common/utils/shared.utils';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
// Not in @nestjs/core's index, but what its router builds every route path with; @nestjs/swagger imports it
// the same way to describe routes where they really are.
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory';

/**
 * Where Nest serves a route of this module: its controller and method paths, under the path `RouterModule` gave
 * the module and under the application's global prefix (minus its exclusions) and URI version, composed by Nest's
 * own `RoutePathFactory` from the same inputs its router used. Ask once the application is initialised (from
 * `onModuleInit` on): the router has read the global prefix by then, and later changes to it move no route.
 */
@Injectable()
export class RoutePaths {
  private readonly factory: RoutePathFactory;

  constructor(
    private readonly config: ApplicationConfig,
    private readonly modules: ModulesContainer,
  ) {
    this.factory = new RoutePathFactory(config);
  }

  /** The path, starting with `/`, that `controller.prototype[method]` answers at. */
  of(controller: Type<unknown>, method: string): string {
    const handler = (controller.prototype as Record<string, unknown>)[method] as object;
    const versioningOptions = this.config.getVersioning();
    const [path] = this.factory.create(
      {
        ctrlPath: addLeadingSlash(first(Reflect.getMetadata(PATH_METADATA, controller))),
        methodPath: addLeadingSlash(first(Reflect.getMetadata(PATH_METADATA, handler))),
        modulePath: this.modulePathOf(controller),
        globalPrefix: addLeadingSlash(this.config.getGlobalPrefix()),
        versioningOptions,
        // As Nest's RoutesResolver: a controller without a version of its own takes the default, if versioning is on.
        controllerVersion: versioningOptions ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioningOptions.defaultVersion) : undefined,
        methodVersion: Reflect.getMetadata(VERSION_METADATA, handler),
      },
      Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod,
    );
    return path;
  }

  /** The path `RouterModule` registered for the module that declares `controller`, in this application. */
  private modulePathOf(controller: Type<unknown>): string | undefined {
    const host = [...this.modules.values()].find((module) => module.controllers.has(controller));
    if (!host) return undefined;
    return Reflect.getMetadata(MODULE_PATH + this.modules.applicationId, host.metatype) ?? Reflect.getMetadata(MODULE_PATH, host.metatype);
  }
}

function first(path: string | string[] | undefined): string {
  return (Array.isArray(path) ? path[0] : path) ?? '';
}
