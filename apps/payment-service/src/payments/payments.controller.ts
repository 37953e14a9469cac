import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@clement/idempotency';
import {
  CurrentPrincipal,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
} from '@clement/staff-api';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';
import { ResourceIdPipe } from '../shared/resource-id.pipe';
import { PayNowBody, RefundBody } from './dto/payment-requests';
import { ledgerView, paymentView } from './dto/payment-views';
import { PaymentsRepository } from './payments.repository';
import { Refunds } from './refunds';
import { TakePayment } from './take-payment';

/** Paying now (the debtor through the portal, or an agent on the phone), refunds, the ledger. */
@ApiTags('payments')
@StaffApi()
@Controller('v1')
export class PaymentsController {
  constructor(
    @Inject(TakePayment) private readonly takePayment: TakePayment,
    @Inject(Refunds) private readonly refunds: Refunds,
    @Inject(PaymentsRepository) private readonly payments: PaymentsRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Starts a card payment; the answer's redirectUrl is the PSP's hosted payment page. */
  @Post('cases/:caseId/payments')
  @HttpCode(201)
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async payNow(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
    @ValidBody(PayNowBody) body: PayNowBody,
  ) {
    const started = await this.takePayment.payNow(requireTenant(principal), caseId, body);
    return paymentView(started.payment);
  }

  @Get('cases/:caseId/payments')
  @Roles('agent', 'auditor', 'debtor-portal')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
  ) {
    const payments = await this.payments.listForCase(
      this.dataSource.manager,
      requireTenant(principal),
      caseId,
    );
    return { items: payments.map(paymentView) };
  }

  @Get('payments/:paymentId')
  @Roles('agent', 'auditor', 'debtor-portal')
  async detail(
    @CurrentPrincipal() principal: Principal,
    @Param('paymentId', new ResourceIdPipe('paymentId')) paymentId: string,
  ) {
    const payment = await this.payments.find(
      this.dataSource.manager,
      requireTenant(principal),
      paymentId,
    );
    if (!payment)
      throw new PaymentDomainError(PaymentErrorCode.PaymentNotFound, `no payment ${paymentId}`);
    return paymentView(payment);
  }

  /** Gives money back; the ledger moves when the PSP confirms. */
  @Post('payments/:paymentId/refunds')
  @HttpCode(201)
  @Idempotent()
  @Roles('agent')
  async refund(
    @CurrentPrincipal() principal: Principal,
    @Param('paymentId', new ResourceIdPipe('paymentId')) paymentId: string,
    @ValidBody(RefundBody) body: RefundBody,
  ) {
    return this.refunds.refund(requireTenant(principal), paymentId, body.amountMinor);
  }

  /** Every movement on the case's accounts, and the balances they add up to. */
  @Get('cases/:caseId/ledger')
  @Roles('agent', 'auditor')
  async caseLedger(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
  ) {
    const tenantId = requireTenant(principal);
    const db = this.dataSource.manager;
    const entries = await this.ledger.entries(db, tenantId, caseId);
    if (entries.length === 0)
      throw new PaymentDomainError(PaymentErrorCode.CaseNotFound, `no case ${caseId}`);
    const balances = await this.ledger.accountBalances(db, tenantId, caseId);
    const credit = await this.ledger.credit(db, tenantId, caseId);
    return ledgerView(
      caseId,
      entries,
      balances.map(({ accountId, balanceMinor }) => ({ accountId, balanceMinor })),
      credit,
    );
  }
}
