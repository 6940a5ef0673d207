import { Controller, Get } from '@nestjs/common';
import { Public } from '@nest-oauth/server';

@Controller('health')
export class HealthController {
  @Get()
  @Public()
  check() {
    return { status: 'ok' };
  }
}
