import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { errorBody, VALIDATION_FAILED } from '@clement/staff-api';

/** Ids in paths (UUIDs here, the CRM's case ids): anything else names nothing. */
export class ResourceIdPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (!/^[A-Za-z0-9:_.-]{1,128}$/.test(value)) {
      throw new BadRequestException(
        errorBody(400, VALIDATION_FAILED, 'Request validation failed', [
          { field: this.field, reason: `${this.field} is not an id` },
        ]),
      );
    }
    return value;
  }
}
