# Linux harness: objc_msgSend for the GNUstep-2.0 ABI on x86-64 System V. Saves every argument
# register, asks standin_lookup(self, selector) for the implementation, restores the registers
# and tail-jumps to it, so the implementation sees the original arguments. A message to nil
# returns 0 (integer, pointer and floating-point return registers cleared).
    .text
    .globl objc_msgSend
    .type objc_msgSend,@function
objc_msgSend:
    test %rdi, %rdi
    jz .Lnil
    push %rbp
    mov %rsp, %rbp
    sub $176, %rsp
    mov %rdi, 0(%rsp)
    mov %rsi, 8(%rsp)
    mov %rdx, 16(%rsp)
    mov %rcx, 24(%rsp)
    mov %r8, 32(%rsp)
    mov %r9, 40(%rsp)
    movdqu %xmm0, 48(%rsp)
    movdqu %xmm1, 64(%rsp)
    movdqu %xmm2, 80(%rsp)
    movdqu %xmm3, 96(%rsp)
    movdqu %xmm4, 112(%rsp)
    movdqu %xmm5, 128(%rsp)
    movdqu %xmm6, 144(%rsp)
    movdqu %xmm7, 160(%rsp)
    call standin_lookup
    mov %rax, %r11
    mov 0(%rsp), %rdi
    mov 8(%rsp), %rsi
    mov 16(%rsp), %rdx
    mov 24(%rsp), %rcx
    mov 32(%rsp), %r8
    mov 40(%rsp), %r9
    movdqu 48(%rsp), %xmm0
    movdqu 64(%rsp), %xmm1
    movdqu 80(%rsp), %xmm2
    movdqu 96(%rsp), %xmm3
    movdqu 112(%rsp), %xmm4
    movdqu 128(%rsp), %xmm5
    movdqu 144(%rsp), %xmm6
    movdqu 160(%rsp), %xmm7
    leave
    jmp *%r11
.Lnil:
    xor %eax, %eax
    xor %edx, %edx
    xorps %xmm0, %xmm0
    ret
    .size objc_msgSend, .-objc_msgSend
    .section .note.GNU-stack,"",@progbits
