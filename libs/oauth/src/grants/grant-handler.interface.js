"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=grant-handler.interface.js.map