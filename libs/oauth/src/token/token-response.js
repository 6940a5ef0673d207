"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=token-response.js.map