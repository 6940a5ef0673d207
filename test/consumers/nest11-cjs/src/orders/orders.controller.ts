import { Controller, Get } from '@nestjs/common';
import { Principal, RequireUser, Scopes } from '@nest-oauth/server';
import type { OAuthPrincipal } from '@nest-oauth/server';
import { OrdersService } from './orders.service';

// No @UseGuards: AppModule installs BearerGuard for every route.
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @Scopes('orders:read')
  @RequireUser()
  list(@Principal() principal: OAuthPrincipal) {
    return this.orders.list(principal.userId!);
  }
}
