"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=oauth-module-options.interface.js.map