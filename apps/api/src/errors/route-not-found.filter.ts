import { type ArgumentsHost, Catch, NotFoundException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * Nest answers a request no route matches with "Cannot GET /path?query", repeating the query string, and with it
 * any password or token a client put there by mistake. This filter answers the same 404 naming the path only;
 * every other NotFoundException is answered as Nest would.
 */
@Catch(NotFoundException)
export class RouteNotFoundFilter extends BaseExceptionFilter {
  override catch(exception: NotFoundException, host: ArgumentsHost): void {
    const adapter = this.httpAdapterHost!.httpAdapter;
    const request = host.switchToHttp().getRequest();
    const method = String(adapter.getRequestMethod(request));
    const url = String(adapter.getRequestUrl(request));
    const query = url.indexOf('?');
    if (query !== -1 && exception.message === `Cannot ${method} ${url}`) {
      super.catch(new NotFoundException(`Cannot ${method} ${url.slice(0, query)}`), host);
      return;
    }
    super.catch(exception, host);
  }
}
