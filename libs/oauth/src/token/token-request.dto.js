"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TokenRequestDto = void 0;
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
/** RFC 6749 §3.2: a parameter sent without a value is treated as if it were omitted. */
const EmptyAsOmitted = () => (0, class_transformer_1.Transform)(({ value }) => (value === '' ? undefined : value));
/**
 * The token endpoint's parameters (RFC 6749 §4.3.2, §6). Each must be a single string: the body parser turns a
 * repeated parameter into an array, which fails `IsString` and becomes `invalid_request` (RFC 6749 §3.2).
 * Parameters not listed here are ignored, as §3.2 requires.
 */
class TokenRequestDto {
    grant_type;
    scope;
    username;
    password;
    refresh_token;
}
exports.TokenRequestDto = TokenRequestDto;
__decorate([
    EmptyAsOmitted(),
    (0, class_validator_1.IsDefined)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], TokenRequestDto.prototype, "grant_type", void 0);
__decorate([
    EmptyAsOmitted(),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], TokenRequestDto.prototype, "scope", void 0);
__decorate([
    EmptyAsOmitted(),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], TokenRequestDto.prototype, "username", void 0);
__decorate([
    EmptyAsOmitted(),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], TokenRequestDto.prototype, "password", void 0);
__decorate([
    EmptyAsOmitted(),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], TokenRequestDto.prototype, "refresh_token", void 0);
//# sourceMappingURL=token-request.dto.js.map