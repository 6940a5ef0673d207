import { Injectable } from '@nestjs/common';

export interface Order {
  id: string;
  owner: string;
}

@Injectable()
export class OrdersService {
  /** The user's orders. A real app reads them from its database. */
  async list(userId: string): Promise<Order[]> {
    return [{ id: 'order-1', owner: userId }];
  }
}
