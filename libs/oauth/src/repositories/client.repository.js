"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ClientRepository = void 0;
/** Where the module finds clients. */
class ClientRepository {
}
exports.ClientRepository = ClientRepository;
//# sourceMappingURL=client.repository.js.map