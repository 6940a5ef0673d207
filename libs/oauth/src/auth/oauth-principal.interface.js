"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=oauth-principal.interface.js.map