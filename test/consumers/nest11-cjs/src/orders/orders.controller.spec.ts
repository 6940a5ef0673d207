import { Test } from '@nestjs/testing';
import { OAuthTestingModule, OAuthTestingTokens } from '@nest-oauth/server/testing';
import request from 'supertest';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

it('lets readers list orders, and nobody else', async () => {
  const moduleRef = await Test.createTestingModule({
    // globalGuard: BearerGuard on every route, as the app's APP_GUARD provider puts it.
    imports: [OAuthTestingModule.forRoot({ globalGuard: true })],
    controllers: [OrdersController],
    providers: [{ provide: OrdersService, useValue: { list: async () => [] } }],
  }).compile();
  const app = await moduleRef.createNestApplication().init();
  const mint = (scopes: string[]) => app.get(OAuthTestingTokens).mint({ userId: '42', scopes });

  await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${await mint(['orders:read'])}`).expect(200, []);
  await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${await mint(['other'])}`).expect(403);
  await request(app.getHttpServer()).get('/orders').expect(401);
  await app.close();
});
